"""themes stage."""
