"""门前三包责任书: responsibility letters with the community's street-front shops."""
