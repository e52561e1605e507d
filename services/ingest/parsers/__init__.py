"""One parser per dataset kind. Each takes a binary file object and yields
``ParsedRow``s (a record, or the row's errors) so that memory does not grow
with the file; a file that cannot be read at all raises ``UnreadableFile``."""
