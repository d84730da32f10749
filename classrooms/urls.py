"""The classroom portal (namespace `portal`, its own sign-in for people; iamconsole/enforcement.py leaves
its authorization to its views, which check the person). The console's Labs page is in console_urls."""

from django.urls import path

from .views import home, instructor, labs, people

app_name = "portal"

urlpatterns = [
    path("classroom/", home.home, name="home"),
    path("classroom/signup/", people.signup, name="signup"),
    path("classroom/signin/", people.signin, name="signin"),
    path("classroom/signout/", people.signout, name="signout"),
    path("classroom/password/forgot/", people.forgot_password, name="forgot_password"),
    path("classroom/password/reset/<str:uidb64>/<str:token>/", people.reset_password, name="reset_password"),
    path("classroom/join/", home.join_code, name="join_code"),
    path("classroom/join/<str:code>/", home.join_link, name="join_link"),
    path("classroom/seats/<uuid:seat_id>/console/", home.open_console, name="open_console"),
    path("classroom/accounts/link/", instructor.account_link, name="account_link"),
    path("classroom/templates/create/", instructor.template_create_view, name="template_create"),
    path("classroom/templates/<uuid:pk>/delete/", instructor.template_delete_view, name="template_delete"),
    path("classroom/classrooms/create/", instructor.classroom_create, name="classroom_create"),
    path("classroom/classrooms/<uuid:pk>/", instructor.classroom_detail, name="classroom_detail"),
    path("classroom/classrooms/<uuid:pk>/edit/", instructor.classroom_edit, name="classroom_edit"),
    path(
        "classroom/classrooms/<uuid:pk>/join-code/",
        instructor.classroom_join_code,
        name="classroom_join_code",
    ),
    path(
        "classroom/classrooms/<uuid:pk>/provision/",
        instructor.classroom_provision,
        name="classroom_provision",
    ),
    path("classroom/classrooms/<uuid:pk>/reset/", instructor.classroom_reset_all, name="classroom_reset_all"),
    path("classroom/classrooms/<uuid:pk>/close/", instructor.classroom_close_view, name="classroom_close"),
    path("classroom/classrooms/<uuid:pk>/invite/", instructor.classroom_invite, name="classroom_invite"),
    path("classroom/classrooms/<uuid:pk>/jobs/<uuid:job_id>/", instructor.job_progress, name="job_progress"),
    path("classroom/classrooms/<uuid:pk>/matrix/", instructor.classroom_matrix, name="classroom_matrix"),
    path(
        "classroom/classrooms/<uuid:pk>/matrix.csv",
        instructor.classroom_matrix_csv,
        name="classroom_matrix_csv",
    ),
    path(
        "classroom/classrooms/<uuid:pk>/seats/<uuid:seat_id>/reset/",
        instructor.seat_reset_view,
        name="seat_reset",
    ),
    path(
        "classroom/classrooms/<uuid:pk>/seats/<uuid:seat_id>/events/",
        instructor.seat_events,
        name="seat_events",
    ),
    path("classroom/labs/", labs.lab_list, name="lab_list"),
    path("classroom/labs/create/", labs.lab_create, name="lab_create"),
    path("classroom/labs/<int:pk>/", labs.lab_detail, name="lab_detail"),
    path("classroom/labs/<int:pk>/edit/", labs.lab_edit, name="lab_edit"),
    path("classroom/labs/<int:pk>/duplicate/", labs.lab_duplicate_view, name="lab_duplicate"),
]
