-- One database per agency of docker-compose.yml; each agency migrates its own when it starts.
create database uk_ecju;
create database fr_sbdu;
create database de_bafa;
