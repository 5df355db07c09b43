"""The figures of safety and the street dashboard that shows them."""
