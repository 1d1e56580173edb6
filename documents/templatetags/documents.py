"""{% load documents %}{% document_list "licensing.application" application.pk %}: the documents of a
case, as the viewing user may see them, with download links or "being prepared"."""

from django import template

from documents.selectors import documents_for

register = template.Library()


@register.inclusion_tag("documents/includes/document_list.html", takes_context=True)
def document_list(context, subject_type: str, subject_id):
    request = context.get("request")
    user = getattr(request, "user", None)
    documents = documents_for(subject_type, subject_id, user) if user is not None else []
    return {"documents": documents}
