from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_page, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("article/<slug:slug>/", views.article, name="article"),
    path("article/<slug:slug>/vote/", views.vote, name="vote"),
    path("article/<slug:slug>/solved/", views.solved, name="solved"),
]
