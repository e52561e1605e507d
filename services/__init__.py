"""The back-end services: each owns its data and talks over RabbitMQ only."""
