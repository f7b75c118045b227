"""The transport-free core: ChatKit server, agent, tools, cards and model providers.

Importing this package pulls in chatkit and openai-agents (seconds); the server
extension imports it lazily.
"""

from .context import RequestContext

__all__ = ["RequestContext"]
