"""The fixtures of tests/problems (defined in reporting_world.py), for every test module here:
an English-speaking clerk, resident and neighbour, a category and its department, and the
id of a report the resident made."""

from tests.problems.reporting_world import (  # noqa: F401 - fixtures, found by name
    browser,
    category,
    clerk,
    english,
    neighbour,
    reported_id,
    resident,
)
