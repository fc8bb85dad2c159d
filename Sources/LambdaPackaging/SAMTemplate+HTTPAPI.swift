/// The HTTP API shape of the first reference stack: payload 2.0, `ANY` on the model path and
/// CORS answered by API Gateway itself. HTTP APIs have no API keys or usage plans, so the
/// function checks Magpie's own keys (`MAGPIE_KEY_CHECK=on`); its quota counters and token
/// buckets then live in each execution environment. The stage's throttle is the only limit
/// API Gateway applies, for all clients together.
extension SAMTemplate {
    static let httpParameters = """
          AllowedOrigins:
            Type: CommaDelimitedList
            Default: "*"
            Description: Origins browsers may call the API from (CORS), comma-separated.
          StageThrottleRateLimit:
            Type: Number
            Default: 1000
            MinValue: 1
            Description: Steady-state requests per second for the whole API, all clients together.
          StageThrottleBurstLimit:
            Type: Number
            Default: 1000
            MinValue: 1
            Description: Requests that may arrive at once above the rate, all clients together.

        """

    static let httpResources = """
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Name: !Sub "${AppName}-${Environment}"
              StageName: v1
              DefaultRouteSettings:
                ThrottlingRateLimit: !Ref StageThrottleRateLimit
                ThrottlingBurstLimit: !Ref StageThrottleBurstLimit
              CorsConfiguration:
                AllowOrigins: !Ref AllowedOrigins
                AllowMethods: [POST, OPTIONS]
                AllowHeaders: [content-type, x-api-key, traceparent]
                ExposeHeaders: [retry-after, server-timing, x-magpie-served-by]
                MaxAge: 600
              Tags:
                App: !Ref AppName
                Environment: !Ref Environment

        """

    static let httpEvents = """
                Infer:
                  Type: HttpApi
                  Properties:
                    ApiId: !Ref Api
                    Path: /infer/{model}
                    Method: ANY
                    PayloadFormatVersion: "2.0"
        """

    /// API Gateway's own `5xx` metric is named by the API's id, so an alarm on it would depend
    /// on the API, which depends on the live alias, whose update policy names the deployment
    /// group that lists the alarm: a cycle CloudFormation refuses. So the function counts its 5xx
    /// answers itself, named by the function's name, which comes from parameters (the names are
    /// `LambdaRuntime`'s `ServerErrorMetric`'s; a test holds the two together). The 5xx that API
    /// Gateway makes when the function fails or times out are the live alias's `Errors`, which
    /// `FunctionErrorAlarm` watches.
    static let httpErrorAlarm = rollbackAlarm(
        "ApiServerErrorAlarm", suffix: "api-5xx",
        description:
            "Answers with a 5xx status (a model that fails to load, an upstream that is down), counted by the function; rolls a canary deployment back.",
        namespace: "Magpie", metric: "ServerErrors", dimensions: [("FunctionName", #"!Sub "${AppName}-${Environment}""#)])

    static let httpOutputs = """
          InferUrl:
            Description: POST a JSON object with a text field to this URL followed by a model name, with the x-api-key header (checked by the function).
            Value: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/v1/infer/"
        """
}
