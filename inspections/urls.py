from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/verify/", views.campaign_verify, name="campaign-verify"),
    path("campaigns/<int:pk>/inputs.json", views.campaign_inputs, name="campaign-inputs"),
    path("campaigns/<int:pk>/publish/", views.campaign_publish, name="campaign-publish"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/record/", views.inspection_record, name="inspection-record"),
    path("inspections/<int:pk>/cancel/", views.inspection_cancel, name="inspection-cancel"),
    path("key-coverage/", views.key_coverage, name="key-coverage"),
    path("three-lists/", views.three_lists, name="three-lists"),
    path("three-lists/new/", views.three_list_new, name="three-list-new"),
    path("three-lists/<int:pk>/", views.three_list_entry, name="three-list-entry"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("referrals/", views.referral_list, name="referrals"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict-withdraw"),
    path("problems/", views.problem_index, name="problems"),
    path("problems/<int:enterprise_id>/", views.problem_detail, name="problem"),
    path("self/", views.self_list, name="self-list"),
    path("self/new/", views.self_new, name="self-new"),
    path("self/<int:pk>/", views.self_campaign, name="self-campaign"),
    path("self/<int:pk>/submit/", views.self_submit, name="self-submit"),
    path("self/reports/<int:pk>/", views.self_report, name="self-report"),
    path("self/reports/<int:pk>/attachment/", views.self_report_attachment, name="self-report-attachment"),
    path("tasks/", views.my_tasks, name="tasks"),
]

public_patterns = (
    [
        path("", views.public_campaigns, name="home"),
        path("campaigns/<int:pk>/", views.public_campaign, name="campaign"),
        path("campaigns/<int:pk>/verify/", views.public_verify, name="verify"),
        path("campaigns/<int:pk>/inputs.json", views.public_inputs, name="inputs"),
        path("complaints/new/", views.public_complaint, name="complaint"),
        path("complaints/thanks/", views.public_complaint_thanks, name="complaint-thanks"),
    ],
    "public_inspections",
)
