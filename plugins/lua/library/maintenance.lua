--[[patchpanel
{
  "name": "maintenance",
  "version": "1.0.0",
  "description": "A maintenance page: `http-request use-service lua.maintenance` answers every request with the configured status, a Retry-After header and a plain-text message, without reaching a backend.",
  "registers": [{"kind": "service", "name": "maintenance", "scope": "http"}],
  "params": {
    "type": "object",
    "properties": {
      "status": {"type": "integer", "minimum": 200, "maximum": 599, "default": 503},
      "message": {"type": "string", "minLength": 1, "maxLength": 512, "default": "Down for maintenance, back soon."},
      "retry-after": {"type": "integer", "minimum": 0, "maximum": 604800, "default": 300}
    }
  }
}
]]

local status = tonumber(os.getenv("PP_LUA_MAINTENANCE__STATUS") or "503")
local message = (os.getenv("PP_LUA_MAINTENANCE__MESSAGE") or "Down for maintenance, back soon.") .. "\n"
local retry_after = os.getenv("PP_LUA_MAINTENANCE__RETRY_AFTER") or "300"

core.register_service("maintenance", "http", function(applet)
  applet:set_status(status)
  applet:add_header("content-type", "text/plain; charset=utf-8")
  applet:add_header("content-length", tostring(#message))
  applet:add_header("retry-after", retry_after)
  applet:add_header("cache-control", "no-store")
  applet:start_response()
  applet:send(message)
end)
