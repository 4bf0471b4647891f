from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: a dict lookup by a variable key."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
