from django.urls import path

from lightbulb.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("sign-up", views.sign_up, name="sign_up"),
    path("two-factor", views.two_factor, name="two_factor"),
    path("recovery-codes", views.recovery_codes, name="recovery_codes"),
    path("confirm-email/<str:token>", views.email_verify, name="email_verify"),
    path("invitation/<str:token>", views.invitation_accept, name="invitation_accept"),
    path("password-reset", views.password_reset, name="password_reset"),
    path("password-reset/<uidb64>/<token>", views.password_reset_confirm, name="password_reset_confirm"),
    path("", views.account, name="account"),
    path("users/", views.user_list, name="user_list"),
    path("users/add", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit", views.user_edit, name="user_edit"),
    path("users/<int:pk>/two-factor-reset", views.user_two_factor_reset, name="user_two_factor_reset"),
    path("users/<int:pk>/invite", views.user_invitation_send, name="user_invitation_send"),
    path("users/<int:pk>/history", views.user_history, name="user_history"),
]
