"""Where uploaded evidence and rendered reports are kept: the local MEDIA_ROOT, or S3-compatible
object storage when several machines must see the same files.

``default_storage(...)`` turns the already-read environment values into Django's
``STORAGES["default"]`` entry, or raises ImproperlyConfigured at start with what is wrong.
Object storage is chosen by ``STORAGE_URL``::

    s3://<bucket>[/<prefix>][?endpoint_url=http://minio:9000&region=eu-north-1&addressing_style=path]

or by the usual variables (``AWS_STORAGE_BUCKET_NAME``, ``AWS_S3_ENDPOINT_URL``,
``AWS_S3_REGION_NAME``). Credentials never go in the URL (it ends up in logs and process
lists): they come from ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (or ``_FILE``), or,
when those are empty, from boto3's own chain (instance role, ``~/.aws``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
URL_OPTIONS = {"endpoint_url", "region", "addressing_style"}
ADDRESSING_STYLES = {"path", "virtual", "auto"}
# S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, letter or digit at ends.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# AWS Signature Version 4 refuses a signed URL valid for longer than seven days.
MAX_SIGNED_URL_SECONDS = 7 * 24 * 3600
DOWNLOAD_MODES = {"stream", "signed"}


def _fail(message: str):
    raise ImproperlyConfigured(message)


def _endpoint(value: str, source: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        _fail(f"{source} must be an http:// or https:// address, not {value!r}")
    return value.rstrip("/")


def parse_storage_url(url: str) -> dict:
    """The bucket, prefix and options an ``s3://`` STORAGE_URL names (only what it names)."""
    shown = re.sub(r"//[^/@]*@", "//…@", url)  # never repeat a credential in an error
    parts = urlsplit(url)
    if parts.scheme != "s3":
        _fail(f"STORAGE_URL must look like s3://bucket/prefix?endpoint_url=…, not {shown!r}")
    if "@" in parts.netloc:
        _fail(
            "STORAGE_URL must not carry credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    bucket = parts.netloc
    if not BUCKET_NAME.fullmatch(bucket):
        _fail(f"STORAGE_URL: {bucket!r} is not a valid bucket name (in {shown!r})")
    prefix = parts.path.strip("/")
    if prefix and any(piece in {"", ".", ".."} for piece in prefix.split("/")):
        _fail(f"STORAGE_URL: the prefix {prefix!r} must be plain folder names")
    if parts.fragment:
        _fail(f"STORAGE_URL cannot have a #fragment: {shown!r}")
    result: dict = {"bucket_name": bucket, "location": prefix}
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        _fail(f"STORAGE_URL: cannot read the options in {shown!r}")
    for key, value in pairs:
        if key not in URL_OPTIONS:
            _fail(f"STORAGE_URL: unknown option {key!r}; known: {', '.join(sorted(URL_OPTIONS))}")
        if key in result or (key == "region" and "region_name" in result):
            _fail(f"STORAGE_URL: the option {key!r} is given twice")
        if key == "endpoint_url":
            result["endpoint_url"] = _endpoint(value, "STORAGE_URL endpoint_url")
        elif key == "region":
            if not re.fullmatch(r"[a-z0-9-]+", value):
                _fail(f"STORAGE_URL: {value!r} is not a region name")
            result["region_name"] = value
        elif value not in ADDRESSING_STYLES:
            _fail(f"STORAGE_URL: addressing_style must be path, virtual or auto, not {value!r}")
        else:
            result["addressing_style"] = value
    return result


def default_storage(
    *,
    storage_url: str = "",
    bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    signed_url_seconds: int = 60,
) -> dict:
    """``STORAGES["default"]``: FileSystemStorage (MEDIA_ROOT) unless object storage is named.

    Files stay private: no ACL is sent (a bucket's own default is private), and the only URLs
    ever made are signed ones that expire after ``signed_url_seconds``.
    """
    storage_url, bucket = storage_url.strip(), bucket.strip()
    if not storage_url and not bucket:
        if endpoint_url.strip() or region.strip():
            _fail("AWS_S3_ENDPOINT_URL and AWS_S3_REGION_NAME need AWS_STORAGE_BUCKET_NAME")
        return {"BACKEND": LOCAL_BACKEND}
    options = parse_storage_url(storage_url) if storage_url else {"bucket_name": bucket}
    if bucket and options["bucket_name"] != bucket:
        _fail(
            f"STORAGE_URL names the bucket {options['bucket_name']!r} but "
            f"AWS_STORAGE_BUCKET_NAME says {bucket!r}: set one of them"
        )
    if not BUCKET_NAME.fullmatch(options["bucket_name"]):
        _fail(f"AWS_STORAGE_BUCKET_NAME: {bucket!r} is not a valid bucket name")
    # What the URL leaves out, the usual variables may give.
    if endpoint_url.strip() and "endpoint_url" not in options:
        options["endpoint_url"] = _endpoint(endpoint_url.strip(), "AWS_S3_ENDPOINT_URL")
    if region.strip() and "region_name" not in options:
        options["region_name"] = region.strip()
    if bool(access_key) != bool(secret_key):
        _fail("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set together or not at all")
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    if not 1 <= signed_url_seconds <= MAX_SIGNED_URL_SECONDS:
        _fail(f"STORAGE_SIGNED_URL_SECONDS must be between 1 and {MAX_SIGNED_URL_SECONDS}")
    options.update(
        default_acl=None,
        querystring_auth=True,
        querystring_expire=signed_url_seconds,
        # Names are generated (uuid), but never overwrite what another request may read.
        file_overwrite=False,
        signature_version="s3v4",
    )
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def download_mode(value: str, backend: dict) -> str:
    """How downloads leave: ``stream`` through Django (default) or ``signed`` (a redirect to a
    short-lived signed URL of the object storage; object storage only)."""
    mode = (value or "stream").strip().lower()
    if mode not in DOWNLOAD_MODES:
        _fail(f"STORAGE_DOWNLOADS must be stream or signed, not {value!r}")
    if mode == "signed" and backend["BACKEND"] != S3_BACKEND:
        _fail("STORAGE_DOWNLOADS=signed needs object storage (STORAGE_URL)")
    return mode
