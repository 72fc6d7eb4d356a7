"""Inspraak: citizen participation and digital democracy for municipalities."""

from starlette.convertors import register_url_convertor

from participation.paging import IdConvertor

register_url_convertor("int", IdConvertor())
