"""Where files are kept, read from the environment (config.storage): the local MEDIA_ROOT by
default, object storage when STORAGE_URL or the usual S3 variables say so, and a clear
ImproperlyConfigured at start for anything else."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.storage import (
    LOCAL_BACKEND,
    S3_BACKEND,
    default_storage,
    download_mode,
    parse_storage_url,
)


def test_nothing_configured_keeps_the_local_media_root():
    assert default_storage() == {"BACKEND": LOCAL_BACKEND}
    assert settings.STORAGES["default"]["BACKEND"] == LOCAL_BACKEND


def test_a_storage_url_names_bucket_prefix_endpoint_region_and_addressing():
    result = default_storage(
        storage_url="s3://portal-media/sistercity/files?endpoint_url=http://minio:9000/"
        "&region=eu-north-1&addressing_style=path",
        access_key="AKIA",
        secret_key="s3cr3t",
        signed_url_seconds=120,
    )
    assert result["BACKEND"] == S3_BACKEND
    assert result["OPTIONS"] == {
        "bucket_name": "portal-media",
        "location": "sistercity/files",
        "endpoint_url": "http://minio:9000",
        "region_name": "eu-north-1",
        "addressing_style": "path",
        "access_key": "AKIA",
        "secret_key": "s3cr3t",
        # Private objects, signed URLs only, never overwritten.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 120,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }


@pytest.mark.parametrize(
    ("url", "bucket", "location"),
    [
        ("s3://media", "media", ""),
        ("s3://media/", "media", ""),
        ("s3://my.media-1/a/b/", "my.media-1", "a/b"),
    ],
)
def test_a_storage_url_needs_only_a_bucket(url, bucket, location):
    assert parse_storage_url(url) == {"bucket_name": bucket, "location": location}


def test_the_usual_s3_variables_work_alone_and_fill_what_the_url_leaves_out():
    alone = default_storage(
        bucket="media", endpoint_url="https://s3.example.org", region="eu-west-1"
    )["OPTIONS"]
    assert (alone["bucket_name"], alone["endpoint_url"], alone["region_name"]) == (
        "media",
        "https://s3.example.org",
        "eu-west-1",
    )
    # Without keys, boto3 finds its own (instance role, ~/.aws): none are passed.
    assert "access_key" not in alone and "secret_key" not in alone
    both = default_storage(
        storage_url="s3://media/p?region=eu-north-1",
        bucket="media",
        endpoint_url="http://minio:9000",
        region="us-east-1",
    )["OPTIONS"]
    assert (both["endpoint_url"], both["region_name"]) == ("http://minio:9000", "eu-north-1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"storage_url": "media"}, "must look like s3://bucket"),
        ({"storage_url": "https://s3.example.org/media"}, "must look like s3://bucket"),
        ({"storage_url": "s3://"}, "not a valid bucket name"),
        ({"storage_url": "s3://Media_Files"}, "not a valid bucket name"),
        ({"storage_url": "s3://key:secret@media"}, "must not carry credentials"),
        ({"storage_url": "s3://media/a/../b"}, "plain folder names"),
        ({"storage_url": "s3://media/a//b"}, "plain folder names"),
        ({"storage_url": "s3://media#x"}, "#fragment"),
        ({"storage_url": "s3://media?endpoint=http://x"}, "unknown option 'endpoint'"),
        ({"storage_url": "s3://media?endpoint_url=minio:9000"}, "http:// or https://"),
        ({"storage_url": "s3://media?region=eu-north-1&region=x"}, "given twice"),
        ({"storage_url": "s3://media?region=EU North"}, "not a region name"),
        ({"storage_url": "s3://media?addressing_style=dns"}, "path, virtual or auto"),
        ({"storage_url": "s3://media?=&&"}, "cannot read the options"),
        ({"storage_url": "s3://media", "bucket": "files"}, "set one of them"),
        ({"bucket": "x"}, "not a valid bucket name"),
        ({"bucket": "media", "endpoint_url": "ftp://x"}, "AWS_S3_ENDPOINT_URL"),
        ({"endpoint_url": "http://minio:9000"}, "need AWS_STORAGE_BUCKET_NAME"),
        ({"bucket": "media", "access_key": "AKIA"}, "set together"),
        ({"bucket": "media", "signed_url_seconds": 8 * 24 * 3600}, "between 1 and 604800"),
    ],
)
def test_a_bad_configuration_is_refused_with_what_is_wrong(kwargs, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage(**kwargs)


def test_an_error_never_repeats_a_credential():
    with pytest.raises(ImproperlyConfigured) as error:
        default_storage(storage_url="gs://key:topsecret@media")
    assert "topsecret" not in str(error.value)


def test_downloads_stream_by_default_and_sign_only_with_object_storage():
    local = default_storage()
    s3 = default_storage(bucket="media")
    assert download_mode("", local) == "stream" == download_mode("stream", s3)
    assert download_mode("Signed", s3) == "signed"
    with pytest.raises(ImproperlyConfigured, match="needs object storage"):
        download_mode("signed", local)
    with pytest.raises(ImproperlyConfigured, match="stream or signed"):
        download_mode("redirect", s3)
