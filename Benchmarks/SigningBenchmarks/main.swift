import AWSClient
import Foundation

/// Times SigV4 signing of a SageMaker `InvokeEndpoint` request as Magpie sends it (a short
/// JSON body, temporary credentials with a session token), and a presigned S3 URL. Each
/// figure is the median of 9 rounds of 20,000 signatures; prints one JSON object.
///
/// Usage: SigningBenchmarks
let credentials = AWSCredentials(
    accessKeyID: "ASIAEXAMPLEEXAMPLE12", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: String(repeating: "IQoJb3JpZ2luX2VjEK", count: 40), expiration: nil)
let sageMaker = SigV4Signer(region: "us-east-1", service: "sagemaker")
let s3 = SigV4Signer(region: "us-east-1", service: "s3")
let body = Array(#"{"inputs": "I loved this film, the acting was superb and the plot kept me guessing."}"#.utf8)
let template = SignableRequest(
    method: "POST", path: "/endpoints/distilbert-imdb/invocations",
    headers: [
        ("Host", "runtime.sagemaker.us-east-1.amazonaws.com"), ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    ], body: body)
let presignTemplate = SignableRequest(
    method: "GET", path: "/magpie-data/new/2026-12-03.csv", headers: [("Host", "magpie-data.s3.us-east-1.amazonaws.com")])

func microsecondsPerCall(rounds: Int = 9, calls: Int = 20_000, _ body: () -> Int) -> Double {
    var figures: [Double] = []
    var checksum = 0
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for _ in 0..<calls { checksum &+= body() }
        let elapsed = start.duration(to: .now)
        figures.append(
            (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) * 1e-12) / Double(calls))
    }
    precondition(checksum != 0)
    return figures.sorted()[rounds / 2]
}

let date = Date()
let header = microsecondsPerCall {
    var request = template
    return sageMaker.sign(&request, credentials: credentials, date: date).signature.utf8.count
}
let query = microsecondsPerCall {
    var request = presignTemplate
    return s3.presign(&request, credentials: credentials, date: date, expires: 900).signature.utf8.count
}
print(#"{"invoke_endpoint_header_us": \#(header), "s3_presign_query_us": \#(query), "target_us": 10}"#)
