from django.urls import path

from . import feeds, import_views, staff_views, views

app_name = "editorial"
urlpatterns = [
    # Public
    path("corrections/", views.correction_log, name="correction_log"),
    path("corrections/new/", views.correction_new, name="correction_new"),
    path("corrections/track/<str:token>/", views.correction_track, name="correction_track"),
    path("updates/", views.update_list, name="update_list"),
    path("updates/feed/", feeds.UpdatesFeed(), name="update_feed"),
    path("updates/<int:number>/", views.update_detail, name="update_detail"),
    path("history/<str:public_id>/", views.record_history, name="record_history"),
    path("firms/<str:public_id>/feed/", feeds.FirmFeed(), name="firm_feed"),
    path("sites/<str:public_id>/feed/", feeds.SiteFeed(), name="site_feed"),
    # Staff (permission-checked in staff_views)
    path("staff/", staff_views.dashboard, name="staff_dashboard"),
    path("staff/corrections/", staff_views.correction_queue, name="staff_queue"),
    path("staff/corrections/<int:number>/", staff_views.correction_detail, name="staff_correction"),
    path("staff/changes/", staff_views.change_list, name="staff_changes"),
    path("staff/changes/<int:pk>/", staff_views.change_detail, name="staff_change"),
    path("staff/stage/<str:public_id>/", staff_views.stage_for_record, name="staff_stage"),
    path("staff/updates/new/", staff_views.compose_update, name="staff_compose"),
    path("staff/import/", import_views.import_upload, name="staff_import"),
    path("staff/import/<int:pk>/", import_views.import_job, name="staff_import_job"),
]
