"""The surfaces: the Gradio page, the HTTP API and the CLI. They open, make one call into the floors below
and render; no logic of their own."""
