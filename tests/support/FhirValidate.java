// Validates FHIR R4 resources (JSON or XML files) with HAPI FHIR's validator, offline: base R4
// profiles, the common code systems and an in-memory terminology service, plus any
// StructureDefinition and CodeSystem in a Bundle given with --definitions (carepath's
// extensions and code systems). One JVM for every file. A .ndjson file (FHIR Bulk Data) is
// validated resource by resource, one a line: its messages' locations start "line N: ".
//   java -cp <hapi classpath> FhirValidate [--definitions BUNDLE.json ...] FILE...
// prints one line per message: FILE<TAB>SEVERITY<TAB>LOCATION<TAB>MESSAGE, then "done N".
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;

public class FhirValidate {
    public static void main(String[] args) throws Exception {
        FhirContext ctx = FhirContext.forR4();
        PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(ctx);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--definitions")) {
                String text = Files.readString(Path.of(args[++i]), StandardCharsets.UTF_8);
                Bundle bundle = (Bundle) ctx.newJsonParser().parseResource(text);
                for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                    IBaseResource r = entry.getResource();
                    if (r instanceof StructureDefinition sd) {
                        own.addStructureDefinition(sd);
                    } else if (r instanceof CodeSystem cs) {
                        own.addCodeSystem(cs);
                    }
                }
            } else {
                files.add(args[i]);
            }
        }
        ValidationSupportChain chain = new ValidationSupportChain(
            own,
            new DefaultProfileValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx),
            new InMemoryTerminologyServerValidationSupport(ctx),
            new SnapshotGeneratingValidationSupport(ctx));
        FhirValidator validator = ctx.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(chain));
        for (String file : files) {
            if (file.endsWith(".ndjson")) {
                try (var lines = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                    String line;
                    int n = 0;
                    while ((line = lines.readLine()) != null) {
                        n++;
                        if (!line.isBlank()) {
                            report(file, "line " + n + ": ", validator.validateWithResult(line));
                        }
                    }
                }
            } else {
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                report(file, "", validator.validateWithResult(text));
            }
        }
        System.out.println("done " + files.size());
    }

    private static void report(String file, String where, ValidationResult result) {
        for (SingleValidationMessage m : result.getMessages()) {
            String msg = m.getMessage().replace('\n', ' ').replace('\t', ' ');
            System.out.println(file + "\t" + m.getSeverity() + "\t" + where
                               + m.getLocationString() + "\t" + msg);
        }
    }
}
