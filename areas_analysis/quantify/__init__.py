"""quantify stage."""
