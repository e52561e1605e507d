"""The gateway: the only HTTP face of the Observatory (DESIGN §4, §7)."""
