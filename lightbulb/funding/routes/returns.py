from django.urls import path

from lightbulb.funding.views import returns

urlpatterns = [
    path("returns/", returns.return_list, name="return_list"),
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/review", returns.return_review, name="return_review"),
    path("returns/<int:pk>/record", returns.return_record, name="return_record"),
    path("returns/<int:pk>/files/<int:attachment_pk>", returns.return_attachment, name="return_attachment"),
    path("agreements/<int:pk>/returns/", returns.agreement_returns, name="agreement_returns"),
    path("agreements/<int:pk>/returns/schedule", returns.agreement_returns_schedule, name="agreement_returns_schedule"),
    path("portal/", returns.portal_returns, name="portal_returns"),
    path("portal/returns/<int:pk>/", returns.portal_return, name="portal_return"),
    path("portal/returns/<int:pk>/files/<int:attachment_pk>", returns.portal_attachment, name="portal_attachment"),
]
