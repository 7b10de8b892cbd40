from django.urls import path

from . import feeds, ftm_views, import_views, views
from .staff import changes, correction, queue, stage

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
    # Staff (permission-checked in editorial.staff.access)
    path("staff/", queue.dashboard, name="staff_dashboard"),
    path("staff/corrections/", queue.correction_queue, name="staff_queue"),
    path("staff/corrections/<int:number>/", correction.correction_detail, name="staff_correction"),
    path("staff/changes/", changes.change_list, name="staff_changes"),
    path("staff/changes/<int:pk>/", changes.change_detail, name="staff_change"),
    path("staff/stage/<str:public_id>/", stage.stage_for_record, name="staff_stage"),
    path("staff/new/<str:kind>/", stage.new_record, name="staff_new"),
    path("staff/pick/<str:kind>/", stage.pick, name="staff_pick"),
    path("staff/updates/new/", changes.compose_update, name="staff_compose"),
    path("staff/import/", import_views.import_upload, name="staff_import"),
    path("staff/import/<int:pk>/", import_views.import_job, name="staff_import_job"),
    path("staff/import/ftm/", ftm_views.ftm_upload, name="staff_ftm_import"),
]
