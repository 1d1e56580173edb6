from django.urls import path

from core import api

urlpatterns = [
    path("calendar/add-working-days/", api.AddWorkingDaysApi.as_view(), name="api-calendar-add"),
    path("calendar/working-days-between/", api.WorkingDaysBetweenApi.as_view(), name="api-calendar-between"),
    path("calendar/year/", api.CalendarYearApi.as_view(), name="api-calendar-year"),
]
