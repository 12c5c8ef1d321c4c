from django.urls import path

app_name = "delegations"

urlpatterns: list = []
