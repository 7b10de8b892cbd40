from django.urls import path

from entities.views import DESIGNATION_LIST, FIRM_LIST, RELATIONSHIP_LIST, SITE_LIST
from evidence.views import CITATION_LIST, CLAIM_LIST, SOURCE_LIST

from . import views
from .links import LINK_LISTS

app_name = "downloads"
urlpatterns = [
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/datapackage.json", views.datapackage_schema, name="datapackage"),
    path("downloads/updates/<int:number>/<str:name>", views.update_file, name="update_file"),
    path("records/<str:public_id>.json", views.record_json, name="record_json"),
]
# Every list's CSV and JSON twins, with the list's own filters: /firms.csv?stage=1
for spec in [
    FIRM_LIST,
    SITE_LIST,
    CLAIM_LIST,
    SOURCE_LIST,
    CITATION_LIST,
    RELATIONSHIP_LIST,
    DESIGNATION_LIST,
    *LINK_LISTS,
]:
    urlpatterns += [
        path(f"{spec.table}.csv", views.list_csv, {"spec": spec}, name=f"{spec.table}_csv"),
        path(f"{spec.table}.json", views.list_json, {"spec": spec}, name=f"{spec.table}_json"),
    ]
