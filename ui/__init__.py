"""Entry points: the ``kakari`` CLI, the FastAPI API and the Gradio chat UI."""
