"""Methods that were measured and not adopted, kept runnable for the research scripts."""
