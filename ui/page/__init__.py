"""The parts of the Gradio page, one module per tab (chat, reports, compare, upload), the header above
them, and what they share (``common``); :func:`ui.chat.build_ui` assembles them. Each tab's ``build``
makes its components inside the page and wires their events to module-level handlers, which take the
collection as their first argument and can be called without a browser."""
