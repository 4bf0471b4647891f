from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    """limit/offset paging with bounds, so out-of-range values answer 422 naming the field
    instead of reaching the database."""

    class Input(Schema):
        limit: int = Field(
            100, ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT}"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip")
