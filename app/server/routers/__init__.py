"""One router per area; ``app.server.main.create_app`` includes them."""
