"""Resolves the signed-in user's current workspace for every request."""

from workspaces.selectors import workspace_for_request


class CurrentWorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = workspace_for_request(request)
        return self.get_response(request)
