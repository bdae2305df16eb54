--[[patchpanel
{
  "name": "request-id",
  "version": "1.0.0",
  "description": "Gives every request an id (a UUID v4 from HAProxy's uuid fetch): sent to the backend in a request header and returned in the same response header; lua.request_id fetches it for logs and rules.",
  "registers": [
    {"kind": "action", "name": "request_id", "scope": "http"},
    {"kind": "action", "name": "request_id_response", "scope": "http-response"},
    {"kind": "fetch", "name": "request_id"}
  ],
  "params": {
    "type": "object",
    "properties": {
      "header": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$", "default": "X-Request-Id"},
      "keep-incoming": {
        "type": "boolean",
        "description": "Keep an id the client sent (only behind a proxy you trust)",
        "default": false
      }
    }
  }
}
]]

local header = os.getenv("PP_LUA_REQUEST_ID__HEADER") or "X-Request-Id"
local keep = os.getenv("PP_LUA_REQUEST_ID__KEEP_INCOMING") == "true"

core.register_action("request_id", { "http-req" }, function(txn)
  local id = keep and txn.sf:req_hdr(header) or nil
  if id == nil or id == "" then id = txn.sf:uuid() end
  txn:set_var("txn.pp_request_id", id)
  txn.http:req_set_header(header, id)
end)

core.register_action("request_id_response", { "http-res" }, function(txn)
  local id = txn:get_var("txn.pp_request_id")
  if id ~= nil then txn.http:res_set_header(header, id) end
end)

core.register_fetches("request_id", function(txn)
  return txn:get_var("txn.pp_request_id") or ""
end)
