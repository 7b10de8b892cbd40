from django.urls import path

from . import staff_views, views

app_name = "evidence"
urlpatterns = [
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<str:public_id>/", views.claim_detail, name="claim_detail"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<str:public_id>/", views.source_detail, name="source_detail"),
    path("sources/<str:public_id>/snapshot/", views.source_snapshot, name="source_snapshot"),
    path("staff/sources/dead/", staff_views.dead_links, name="staff_dead_links"),
    path("citations/<str:public_id>/", views.citation_detail, name="citation_detail"),
]
