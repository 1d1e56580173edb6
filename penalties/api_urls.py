from django.urls import path

from penalties import api

STEPS = {
    "start-investigation": api.CaseStartInvestigationApi,
    "evidence": api.CaseEvidenceApi,
    "notes": api.CaseNoteApi,
    "facts": api.CaseFactsApi,
    "notify": api.CaseNotifyApi,
    "statements": api.CaseStatementApi,
    "hearing-request": api.CaseHearingRequestApi,
    "waive": api.CaseWaiveApi,
    "hearing-schedule": api.CaseHearingScheduleApi,
    "hearing-record": api.CaseHearingRecordApi,
    "decide": api.CaseDecideApi,
    "return": api.CaseReturnApi,
    "dismiss": api.CaseDismissApi,
    "execution": api.CaseExecutionApi,
    "close": api.CaseCloseApi,
    "departure-review": api.CaseDepartureReviewApi,
}

urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="api-penalty-cases"),
    path("cases/create/", api.CaseCreateApi.as_view(), name="api-penalty-case-create"),
    path("cases/<int:pk>/", api.CaseDetailApi.as_view(), name="api-penalty-case"),
    *[
        path(f"cases/<int:pk>/{step}/", view.as_view(), name=f"api-penalty-case-{step}")
        for step, view in STEPS.items()
    ],
    path("recommendation/", api.RecommendationApi.as_view(), name="api-penalty-recommendation"),
    path("violations/", api.ViolationListApi.as_view(), name="api-penalty-violations"),
    path("decisions/", api.PublicDecisionListApi.as_view(), name="api-penalty-decisions"),
]
