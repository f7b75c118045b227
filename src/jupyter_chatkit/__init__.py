"""jupyter-chatkit: a notebook assistant for Jupyter."""
