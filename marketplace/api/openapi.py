"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

It describes the answers exactly as the views build them (every field required, no others), so a
client generator or schemathesis (tests/test_api_schema.py) can hold the API to it.
"""

from __future__ import annotations

from ..categories import CATEGORIES

_ERROR = {
    "type": "object",
    "description": "Wat er mis is, in het Nederlands. Foutpagina's van de app sturen ook de status mee.",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    "additionalProperties": False,
}

_CATEGORY_SCORE = {
    "type": "object",
    "required": ["slug", "score"],
    "properties": {"slug": {"$ref": "#/components/schemas/CategorySlug"}, "score": {"type": "number"}},
    "additionalProperties": False,
}

_SUGGESTION = {
    "type": "object",
    "required": ["kind", "id", "title", "category", "tier", "distance_m", "score", "reasons"],
    "properties": {
        "kind": {"type": "string", "enum": ["offer", "voorziening", "activity"]},
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "category": {"$ref": "#/components/schemas/CategorySlug"},
        "tier": {"type": "string", "enum": ["nulde", "eerste", "tweede"],
                 "description": "Nulde lijn (buren, vrijwilligers, algemene voorzieningen), eerste of tweede lijn."},
        "distance_m": {"type": "integer", "minimum": 0},
        "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "string"},
                    "description": "Waarom deze suggestie, in het Nederlands; bij gevaar eerst de noodnummers."},
    },
    "additionalProperties": False,
}

_SUGGEST_RESULT = {
    "type": "object",
    "required": ["categories", "suggestions", "safety", "confident"],
    "properties": {
        "categories": {"type": "array", "items": {"$ref": "#/components/schemas/CategoryScore"},
                       "description": "Every category with its score, highest first."},
        "suggestions": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"},
                        "description": "Lightest help first, then nearest."},
        "safety": {"type": "string", "enum": ["none", "possible", "danger"],
                   "description": "danger: professional help only; possible: a professional looks first."},
        "confident": {"type": "boolean", "description": "false: the text was not understood; nothing is guessed."},
    },
    "additionalProperties": False,
}


def _json(description: str, ref: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def document(max_text: int, max_limit: int) -> dict:
    error = "Error"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Buurtplein API",
            "version": "1",
            "description": "Public information only. Rate-limited per address (429 when over the limit). "
                           "Bad input gets 400 with a Dutch message in `error`.",
        },
        "paths": {
            "/api/v1/suggest": {"get": {
                "operationId": "suggest",
                "summary": "Suggestions for a help request: lightest fitting help first.",
                "description": "Give `text` and a place: a `postcode`, or `lat` and `lon`. The answer is "
                               "the first one a resident sees: the best listing of each need (in safety doubt "
                               "or danger every professional listing found); `alle=1` gives them all.",
                "parameters": [
                    {"name": "text", "in": "query", "required": True,
                     "description": "The help request in the resident's words.",
                     "schema": {"type": "string", "minLength": 1, "maxLength": max_text}},
                    {"name": "postcode", "in": "query", "required": False,
                     "description": "A Dutch postcode (7511AB or 7511) known to the platform.",
                     "schema": {"type": "string", "maxLength": 7}},
                    {"name": "lat", "in": "query", "required": False,
                     "schema": {"type": "number", "minimum": -90, "maximum": 90}},
                    {"name": "lon", "in": "query", "required": False,
                     "schema": {"type": "number", "minimum": -180, "maximum": 180}},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": max_limit, "default": 10}},
                    {"name": "alle", "in": "query", "required": False,
                     "description": "1: every suggestion up to `limit`, not only the first answer.",
                     "schema": {"type": "integer", "minimum": 0, "maximum": 1, "default": 0}},
                ],
                "responses": {
                    "200": _json("Suggestions", "SuggestResult"),
                    "400": _json("Missing or bad input (Dutch message)", error),
                    "429": _json("Too many requests from this address", error),
                    "503": _json("The database cannot be reached or is busy (Dutch message)", error),
                },
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {"schemas": {
            "CategorySlug": {"type": "string", "enum": [c["slug"] for c in CATEGORIES]},
            "CategoryScore": _CATEGORY_SCORE,
            "Suggestion": _SUGGESTION,
            "SuggestResult": _SUGGEST_RESULT,
            "Error": _ERROR,
        }},
    }
