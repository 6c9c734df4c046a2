"""tailor's pipeline: a domain-free engine and cache, and the tailoring domain on top."""
