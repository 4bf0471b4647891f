from ninja import NinjaAPI

api = NinjaAPI(title="Anlan API", version="1")
