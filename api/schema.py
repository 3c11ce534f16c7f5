"""The description at the top of the OpenAPI schema (a drf-spectacular post-processing hook)."""

DESCRIPTION = """\
Everything a person does in the portal's pages, a program can do here, with the same
permissions: those of the user whose session or token makes the request.

**Signing in.** A personal API token, created and revoked by its owner on the profile page
(`/profile/tokens/`), sent as `Authorization: Bearer <key>`; or the browser's session (then
writes need the CSRF token). Without either: 401.

**What you see.** Only objects of your own partnerships: anything else is 404. What you see
but may not change answers 403. Permissions are those of the pages: coordinators run their
partnership; agency staff record activities of their agency and change those it leads or
takes part in (and the events it organises); officials read.

**Content in two languages.** Translated fields are objects: `"title": {"en": "…",
"zh-hans": "…"}`. PATCH may send one language (the other stays); PUT and POST empty a
language left out.

**Lists.** Paginated (`page`, `page_size` up to 200) over a stable order that ends with the
id; `ordering` (e.g. `-updated_at`), `search` (either language) and the filters of each list
(dates as ranges: `planned_start_after`, `planned_start_before`; `updated_since` in ISO 8601).

**Concurrency.** Details carry an `ETag`. Send it back as `If-Match` on PUT, PATCH, DELETE
and the workflow POSTs: if the object changed since, the answer is 412 and nothing is saved.
`If-Match` may be left out; activities and reviews still refuse a write based on a version
that changed meanwhile (412).

**Errors.** 400 with `{"errors": {"field": ["message"]}}` (nested fields with dots, e.g.
`title.zh-hans`; the request as a whole under `non_field_errors`, an unreadable body under
`body`); other errors `{"detail": "…", "code": "…"}`; 409 when other records still refer to
an object being deleted. Messages follow `Accept-Language`.

**Rates.** Requests are counted per user (and per address when not signed in, bad tokens
included); beyond the configured rates (`API_THROTTLE_USER`, `API_THROTTLE_ANON`) the answer
is 429 with `Retry-After`.

**Not here yet.** Progress reports (PDF) are not part of this version of the API.
"""


def describe(result, generator, request, public):
    result.setdefault("info", {})["description"] = DESCRIPTION
    return result
