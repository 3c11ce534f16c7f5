"""The project's URLs plus two hello-world views that exist only in the benchmark server:
the floor a request through the same middleware, in the same gunicorn, cannot go below."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

HELLO_JSON_PATH = "/bench/hello.json"
HELLO_HTML_PATH = "/bench/hello/"


def hello_json(request):
    return JsonResponse({"hello": "world"})


def hello_html(request):
    return HttpResponse(
        "<!doctype html><html lang=en><title>Hello</title><p>Hello, world.</p></html>"
    )


urlpatterns = [
    path(HELLO_JSON_PATH.lstrip("/"), hello_json, name="bench-hello-json"),
    path(HELLO_HTML_PATH.lstrip("/"), hello_html, name="bench-hello-html"),
    path("", include("config.urls")),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
