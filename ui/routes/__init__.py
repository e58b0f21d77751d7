"""The HTTP API's routes, one ``APIRouter`` per resource; ``ui.api.create_app`` includes them in order."""
