from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import calendar


def validate_input(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _CalendarDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        try:
            calendar.get_calendar().check_range(day)
        except calendar.CalendarRangeError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return day


class AddWorkingDaysApi(APIView):
    """The date N working days after `start` (start not counted), on the statutory calendar."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        start = _CalendarDateField()
        days = serializers.IntegerField(min_value=0, max_value=3650)

    class OutputSerializer(serializers.Serializer):
        date = serializers.DateField()
        provisional = serializers.BooleanField()

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer, tags=["calendar"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        try:
            result = calendar.add_working_days(data["start"], data["days"])
        except calendar.CalendarRangeError as exc:
            raise exceptions.ValidationError({"days": [str(exc)]}) from None
        return Response(self.OutputSerializer({"date": result.date, "provisional": result.provisional}).data)


class WorkingDaysBetweenApi(APIView):
    """Working days in (start, end]; negative when end is before start."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        start = _CalendarDateField()
        end = _CalendarDateField()

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "WorkingDaysBetween",
            {"days": serializers.IntegerField(), "provisional": serializers.BooleanField()},
        ),
        tags=["calendar"],
    )
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        result = calendar.working_days_between(data["start"], data["end"])
        return Response({"days": result.days, "provisional": result.provisional})


class CalendarYearApi(APIView):
    """Every non-ordinary day of a year and whether the year is official or provisional."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=1990, max_value=2100)

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "CalendarYearOut",
            {
                "year": serializers.IntegerField(),
                "provisional": serializers.BooleanField(),
                "holidays": serializers.ListField(child=serializers.DateField()),
                "adjusted_workdays": serializers.ListField(child=serializers.DateField()),
            },
        ),
        tags=["calendar"],
    )
    def get(self, request):
        year = validate_input(self.InputSerializer, request.query_params)["year"]
        cal = calendar.get_calendar()
        try:
            cal.check_range(dt.date(year, 1, 1))
        except calendar.CalendarRangeError as exc:
            raise exceptions.ValidationError({"year": [str(exc)]}) from None
        day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        holidays, workdays = [], []
        while day <= end:
            weekend = day.weekday() >= 5
            if cal.is_workday(day) and weekend:
                workdays.append(day)
            elif not cal.is_workday(day) and not weekend:
                holidays.append(day)
            day += dt.timedelta(days=1)
        return Response(
            {
                "year": year,
                "provisional": cal.is_provisional(dt.date(year, 1, 1)),
                "holidays": holidays,
                "adjusted_workdays": workdays,
            }
        )
