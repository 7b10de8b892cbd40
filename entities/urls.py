from django.urls import path

from . import views, views_sanctions, views_visual

app_name = "entities"
urlpatterns = [
    path("firms/", views.firm_list, name="firm_list"),
    path("firms/<str:public_id>/", views.firm_detail, name="firm_detail"),
    path("sites/", views.site_list, name="site_list"),
    # Before sites/<id>/: "map" is not an identifier.
    path("sites/map/", views_visual.site_map_page, name="site_map"),
    path("network/", views_visual.network_page, name="network"),
    path("timeline/", views_visual.timeline_page, name="timeline"),
    path("sites/<str:public_id>/", views.site_detail, name="site_detail"),
    path("relationships/<str:public_id>/", views.relationship_detail, name="relationship_detail"),
    path("sanctions/", views_sanctions.sanctions_page, name="sanctions"),
    path("sanctions/by-jurisdiction.csv", views_sanctions.sanctions_csv, name="sanctions_csv"),
    path(
        "sanctions/<str:public_id>/", views_sanctions.designation_detail, name="designation_detail"
    ),
]
