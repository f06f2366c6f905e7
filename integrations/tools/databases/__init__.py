"""Database tools: create, change, read and query databases, and update their rows."""

from .create import CREATE_DATABASE
from .get import GET_DATABASE
from .items import UPDATE_DATABASE_ITEM
from .query import QUERY_DATABASE
from .update import UPDATE_DATABASE

TOOLS = [CREATE_DATABASE, UPDATE_DATABASE, GET_DATABASE, QUERY_DATABASE, UPDATE_DATABASE_ITEM]
