from django.urls import path

from . import views

app_name = "entities"
urlpatterns = [
    path("firms/", views.firm_list, name="firm_list"),
    path("firms/<str:public_id>/", views.firm_detail, name="firm_detail"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<str:public_id>/", views.site_detail, name="site_detail"),
    path("relationships/<str:public_id>/", views.relationship_detail, name="relationship_detail"),
]
