"""Fields and schemas every contract uses."""
from marshmallow import Schema, ValidationError, fields, validate

MAX_LIMIT = 200  # items per page
MAX_URL = 2000  # characters: what browsers and servers reliably carry
MAX_EMAIL = 254  # characters: the longest address SMTP carries (RFC 5321)


class Number(fields.Float):
    """A JSON number: "200" (a string) is refused, not read as 200; so are NaN and booleans."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a valid number.")
        return super()._deserialize(value, attr, data, **kwargs)


class PageQuerySchema(Schema):
    cursor = fields.String(validate=validate.Length(max=200), metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))
