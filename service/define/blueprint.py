"""The 明责 blueprint object; route modules attach their views to it."""
from flask import Blueprint

bp = Blueprint("define", __name__, url_prefix="/define")
