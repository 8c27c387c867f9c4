"""The interface descriptions the daemon serves are the ones its method table prints, the Python varlink package
parses each, and every method's replies are checked against them (varlink_shapes.py does the checking for every
call the e2e tests make; test_permissions calls every method as every kind of user)."""

from __future__ import annotations

import varlink

import varlink_shapes
from conftest import YEARD, ok, varlink_call, wait_for_binary


def test_served_descriptions_are_the_printed_ones(daemon):
    d = daemon()
    printed = varlink_shapes.interfaces(str(wait_for_binary(YEARD)))
    served = ok(varlink_call(d.socket, "org.varlink.service.GetInfo"))["interfaces"]
    assert sorted(served) == sorted(printed)
    for name in served:
        description = ok(varlink_call(d.socket, "org.varlink.service.GetInterfaceDescription",
                                      {"interface": name}))["description"]
        assert description.strip() == printed[name].description.strip(), name
        assert varlink.Interface(description).name == name


def test_the_checker_refuses_what_a_description_does_not_declare():
    yeard = str(wait_for_binary(YEARD))
    year = {"id": 1, "school": "a", "label": "2026/2027", "startDate": "2026-09-01", "endDate": "2027-08-31",
            "state": "open", "version": 1, "gradeEnds": []}
    assert varlink_shapes.problem(yeard, "io.yeard.Year.Get", {"parameters": {"year": year}}) is None
    assert "missing" in varlink_shapes.problem(
        yeard, "io.yeard.Year.Get", {"parameters": {"year": {k: v for k, v in year.items() if k != "label"}}})
    assert "not declared" in varlink_shapes.problem(
        yeard, "io.yeard.Year.Get", {"parameters": {"year": {**year, "extra": 1}}})
    assert "not an int" in varlink_shapes.problem(yeard, "io.yeard.Year.Get", {"parameters": {"year": {**year, "id": "1"}}})
    assert "not declared" in varlink_shapes.problem(yeard, "io.yeard.Year.Get", {"error": "io.yeard.Year.NoSuchError"})
    assert varlink_shapes.problem(
        yeard, "io.yeard.Year.Get", {"error": "io.yeard.Year.YearNotFound", "parameters": {"id": 3, "message": "m"}}) is None
