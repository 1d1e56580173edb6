from django import forms


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class, so templates stay plain. (It must not touch self.errors here:
    that would validate the form before subclasses finish setting up their fields.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
